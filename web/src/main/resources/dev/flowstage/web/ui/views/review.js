// #/t/{team}/reviews/{id}: one review — its state, the N-of-M approvals with each approver's comment,
// approve / reject with a comment, and what it changes as a picture of the flows and as a list
// (lib/diffview.js). The API's own message is shown when it refuses (not an owner, your own review, a
// conflict with main, a comment that is too long). Comments are shown as text, never as HTML.
import { h, clear, fmtAge, fmtTime, shortSha } from '../lib/dom.js';
import { diffView } from '../lib/diffview.js';

const enc = encodeURIComponent;
/** What the API stores at most (ReviewComment.MAX_LENGTH); the API's message says so when it is more. */
const COMMENT_LIMIT = 2000;

export async function render(root, ctx) {
  const { api, team, params, ui } = ctx;
  ui.useCss('review.css');
  const id = params.id;
  const path = `teams/${enc(team)}/reviews/${enc(id)}`;
  clear(root);
  const page = h('div', { class: 'rv-page', 'data-testid': 'review-page', 'data-review-id': id });
  root.appendChild(page);
  page.appendChild(h('p', { class: 'rv-loading', text: 'Loading review ' + id + '…' }));

  let review;
  let flows = null;
  let flowsError = null;
  try {
    [review, flows] = await Promise.all([
      api.get(path),
      api.get(path + '/flows').catch(e => {
        flowsError = e;
        return null;
      }),
    ]);
  } catch (e) {
    clear(page);
    page.appendChild(h('h1', { text: 'Review ' + id }));
    page.appendChild(ui.errorBox(e));
    return undefined;
  }

  const header = h('div', { class: 'rv-header' });
  const approvalsBox = h('section', { class: 'rv-approvals-box', 'data-testid': 'review-approval-state',
    'aria-labelledby': 'rv-approvals-heading' });
  const actions = h('div', { class: 'rv-actions' });
  const message = h('div', { class: 'rv-message', 'data-testid': 'review-message', 'aria-live': 'polite' });
  let busy = false;

  const against = h('p', { class: 'rv-against', 'data-testid': 'review-against' });
  let paintedState = null;
  const paint = r => {
    review = r;
    page.setAttribute('data-state', r.state);
    clear(header);
    header.appendChild(headerOf(r, team));
    clear(approvalsBox);
    approvalsBox.appendChild(approvalsOf(r));
    if (r.state !== paintedState) {
      // the form is rebuilt only when the state changes, so a live approval keeps a comment being typed
      clear(actions);
      if (r.state === 'open') actions.appendChild(decisionForm());
      if (paintedState === 'open') {
        against.textContent = 'Shown: the change as it was when this page was opened, before the review was '
          + r.state + '.';
      }
      paintedState = r.state;
    }
  };

  const decide = async (verb, body) => {
    if (busy) return;
    busy = true;
    clear(message);
    for (const b of actions.querySelectorAll('button')) b.disabled = true;
    try {
      const r = await api.post(`${path}/${verb}`, body);
      paint(r);
      // recorded with the approval: the box is empty again for the next decision
      const box = actions.querySelector('textarea');
      if (box) box.value = '';
      // still open (more approvals needed): the same form stays, usable again
      for (const b of actions.querySelectorAll('button')) b.disabled = false;
      const text = verb === 'reject' ? 'Review rejected.'
        : r.state === 'merged' ? 'Review approved and merged into main.'
          : r.state === 'approved' ? 'Review approved.'
            : `Approval recorded: ${r.approvals.length} of ${r.requiredApprovals}.`;
      message.appendChild(h('p', { class: 'rv-ok', role: 'status', 'data-testid': 'review-result', text }));
      if (ui.toast) ui.toast(text);
    } catch (e) {
      message.appendChild(ui.errorBox(e));
      for (const b of actions.querySelectorAll('button')) b.disabled = false;
    } finally {
      busy = false;
    }
  };

  const decisionForm = () => {
    const comment = h('textarea', { id: 'rv-comment', class: 'rv-comment', rows: '3', 'data-testid': 'review-comment',
      'aria-describedby': 'rv-comment-hint', placeholder: 'What you checked, or why it is rejected and what to change' });
    const canDecide = ctx.role === 'owner';
    const withComment = () => (comment.value.trim() ? { comment: comment.value } : {});
    return h('form', { class: 'rv-form', on: { submit: e => e.preventDefault() } },
      h('label', { for: 'rv-comment', text: 'Comment (sent with Approve or Reject)' }), comment,
      h('p', { id: 'rv-comment-hint', class: 'rv-note',
        text: `Optional, plain text, at most ${COMMENT_LIMIT} characters. It is shown with your decision.` }),
      h('div', { class: 'rv-buttons' },
        h('button', { type: 'button', class: 'btn btn-primary rv-approve', 'data-testid': 'review-approve',
          on: { click: () => decide('approve', withComment()) }, text: 'Approve' }),
        h('button', { type: 'button', class: 'btn btn-danger rv-reject', 'data-testid': 'review-reject',
          on: { click: () => decide('reject', withComment()) }, text: 'Reject' })),
      canDecide ? null : h('p', { class: 'rv-note', text: 'Only team owners approve or reject reviews.' }));
  };

  clear(page);
  page.appendChild(header);
  page.appendChild(approvalsBox);
  page.appendChild(actions);
  page.appendChild(message);
  paint(review);

  if (review.conflicts && review.conflicts.length) {
    page.appendChild(h('div', { class: 'rv-conflicts', role: 'note', 'data-testid': 'review-conflicts' },
      h('p', { text: 'This review conflicts with main; approving it is refused until it is redone on top of main:' }),
      h('ul', {}, ...review.conflicts.map(c => h('li', { text: c })))));
  }
  if (!against.textContent) {
    against.textContent = review.diffAgainst === 'main'
      ? 'Shown: what approving this review changes on main now.'
      : 'Shown: what the review proposed against the commit it was based on.';
  }
  page.appendChild(against);
  const view = diffView({ before: flows && flows.before, after: flows && flows.after, diff: review.diff,
    pictureError: flowsError, errorBox: ui.errorBox });
  page.appendChild(view.element);

  // another owner's approval, a merge or a rejection arrive over the team's event stream
  const off = ctx.live && ctx.live.on('review', async ev => {
    if (!ev || !ev.data || String(ev.data.review) !== String(id) || busy) return;
    try {
      paint(await api.get(path));
    } catch (e) {
      // the next event or a reload shows it; the page keeps what it has
    }
  });
  return () => {
    if (typeof off === 'function') off();
  };
}

function headerOf(r, team) {
  const approvals = r.approvals || [];
  const stateText = { open: 'open', approved: 'approved', merged: 'merged', rejected: 'rejected', abandoned: 'abandoned' }[r.state] || r.state;
  return h('div', {},
    h('h1', { class: 'rv-title' }, h('span', { class: 'rv-id', text: '#' + r.id + ' ' }), r.title || '(no title)'),
    h('div', { class: 'rv-meta' },
      h('span', { class: 'rv-state rv-state-' + r.state, 'data-testid': 'review-state', 'data-state': r.state, text: stateText }),
      h('span', { class: 'rv-approvals', 'data-testid': 'review-approvals', 'data-approved': String(approvals.length),
        'data-required': String(r.requiredApprovals),
        text: `${approvals.length} of ${r.requiredApprovals} approval${r.requiredApprovals === 1 ? '' : 's'}` }),
      h('span', { text: 'target ' }, h('strong', { text: r.target })),
      h('span', { text: 'by ' + (r.author || '?') }),
      h('span', { title: r.createdAt, text: 'opened ' + fmtAge(r.createdAt) })),
    h('dl', { class: 'rv-facts' },
      h('dt', { text: 'Candidate' }), h('dd', {}, h('code', { title: r.candidate, text: shortSha(r.candidate) })),
      r.base ? h('dt', { text: 'Base' }) : null, r.base ? h('dd', {}, h('code', { title: r.base, text: shortSha(r.base) })) : null,
      r.mergedCommit ? h('dt', { text: 'Merged as' }) : null,
      r.mergedCommit ? h('dd', {}, h('code', { 'data-testid': 'review-merged', title: r.mergedCommit, text: shortSha(r.mergedCommit) })) : null,
      r.comment ? h('dt', { text: 'Rejection comment' }) : null,
      r.comment ? h('dd', { class: 'rv-text', 'data-testid': 'review-decision-comment', text: r.comment }) : null));
}

/** The N-of-M state and every approval: who, when, and their comment (as text). */
function approvalsOf(r) {
  const approvals = r.approvals || [];
  const n = approvals.length;
  const m = r.requiredApprovals;
  const missing = Math.max(0, m - n);
  const progress = `${n} of ${m} approval${m === 1 ? '' : 's'}`
    + (r.state === 'open' || r.state === 'approved'
      ? (missing ? ` — ${missing} more needed before it is applied to main` : ' — enough to apply it')
      : '');
  const box = h('div', {},
    h('h2', { id: 'rv-approvals-heading', text: 'Approvals' }),
    h('p', { class: 'rv-progress', 'data-testid': 'review-approval-progress', 'data-approved': String(n),
      'data-required': String(m) },
    // one box per approval needed, filled per approval given: the text says the same
    h('span', { class: 'rv-pips', 'aria-hidden': 'true' },
      ...Array.from({ length: Math.max(m, n) }, (_, i) => h('span', { class: i < n ? 'rv-pip rv-pip-on' : 'rv-pip' }))),
    h('span', { text: progress })));
  if (!n) {
    box.appendChild(h('p', { class: 'rv-note', 'data-testid': 'review-no-approvals', text: 'No approvals yet.' }));
    return box;
  }
  box.appendChild(h('ol', { class: 'rv-approval-list', 'data-testid': 'review-approvers' },
    ...approvals.map(a => h('li', { class: 'rv-approval', 'data-testid': 'review-approval', 'data-user': a.user },
      h('div', { class: 'rv-approval-head' },
        h('strong', { class: 'rv-approver', 'data-testid': 'review-approval-user', text: a.user }),
        h('span', { text: ' approved ' }),
        h('time', { datetime: a.at, title: fmtTime(a.at), 'data-testid': 'review-approval-time', text: fmtAge(a.at) })),
      a.comment
        ? h('p', { class: 'rv-text rv-approval-comment', 'data-testid': 'review-approval-comment', text: a.comment })
        : h('p', { class: 'rv-note', text: 'No comment.' })))));
  return box;
}

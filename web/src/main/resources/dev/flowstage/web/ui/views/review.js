// #/t/{team}/reviews/{id}: one review — its state and N-of-M approvals, approve / reject with a comment,
// and what it changes as a picture of the flows and as a list (lib/diffview.js). The API's own message is
// shown when it refuses (not an owner, your own review, a conflict with main).
import { h, clear, fmtAge, shortSha } from '../lib/dom.js';
import { diffView } from '../lib/diffview.js';

const enc = encodeURIComponent;

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
      placeholder: 'Why it is rejected, what to change' });
    const canDecide = ctx.role === 'owner';
    return h('form', { class: 'rv-form', on: { submit: e => e.preventDefault() } },
      h('label', { for: 'rv-comment', text: 'Comment (sent with a rejection)' }), comment,
      h('div', { class: 'rv-buttons' },
        h('button', { type: 'button', class: 'btn btn-primary rv-approve', 'data-testid': 'review-approve',
          on: { click: () => decide('approve', {}) }, text: 'Approve' }),
        h('button', { type: 'button', class: 'btn btn-danger rv-reject', 'data-testid': 'review-reject',
          on: { click: () => decide('reject', { comment: comment.value }) }, text: 'Reject' })),
      canDecide ? null : h('p', { class: 'rv-note', text: 'Only team owners approve or reject reviews.' }));
  };

  clear(page);
  page.appendChild(header);
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
      approvals.length ? h('dt', { text: 'Approved by' }) : null,
      approvals.length ? h('dd', { 'data-testid': 'review-approvers' }, approvals.map(a => a.user + ' (' + fmtAge(a.at) + ')').join(', ')) : null,
      r.comment ? h('dt', { text: 'Comment' }) : null,
      r.comment ? h('dd', { 'data-testid': 'review-decision-comment', text: r.comment }) : null));
}

'use strict';
// A client of a Flowstage repository written with isomorphic-git, as a browser or Node.js app would be.
// Run by IsomorphicGitIT: node isomorphic-git-client.js COMMAND URL DIR [ARGS...]
//   init                          a new local repository on main with URL as its origin
//   clone                         clone main of URL into DIR
//   commit-push FILE CONTENT MSG  write FILE, commit it and push main to origin
//   fetch                         fetch main from origin
// Credentials come from GIT_USER and GIT_TOKEN (onAuth). Prints one JSON line: the outcome, with the
// server's progress and error lines in "messages"; exits 1 when the command failed.
const fs = require('fs');
const path = require('path');
const git = require('isomorphic-git');
const http = require('isomorphic-git/http/node');

const [command, url, dir, ...args] = process.argv.slice(2);
// Flowstage takes Basic auth over HTTP(S): the user name and a personal access token as the password
const onAuth = () => ({ username: process.env.GIT_USER, password: process.env.GIT_TOKEN });
const messages = [];
const onMessage = line => { messages.push(line); };
const author = { name: 'Iso Client', email: 'iso@example.test' };

async function run() {
  switch (command) {
    case 'init':
      await git.init({ fs, dir, defaultBranch: 'main' });
      await git.addRemote({ fs, dir, remote: 'origin', url });
      return {};
    case 'clone':
      await git.clone({ fs, http, dir, url, onAuth, onMessage, ref: 'main', singleBranch: true });
      return { head: await git.resolveRef({ fs, dir, ref: 'HEAD' }) };
    case 'commit-push': {
      const [file, content, message] = args;
      fs.writeFileSync(path.join(dir, file), content);
      await git.add({ fs, dir, filepath: file });
      const commit = await git.commit({ fs, dir, message, author });
      try {
        const result = await git.push({ fs, http, dir, onAuth, onMessage, remote: 'origin', ref: 'main', remoteRef: 'main' });
        return { commit, pushed: true, refs: result.refs };
      } catch (e) {
        if (e.code !== 'GitPushError') {
          throw e;
        }
        // the receive-pack status: the server refused a ref, with its reason per ref
        await new Promise(resolve => setImmediate(resolve)); // let the last progress lines arrive
        return { commit, pushed: false, error: e.message, refs: e.data.result.refs };
      }
    }
    case 'fetch': {
      const result = await git.fetch({ fs, http, dir, onAuth, onMessage, remote: 'origin', ref: 'main', singleBranch: true });
      return { fetchHead: result.fetchHead, remoteMain: await git.resolveRef({ fs, dir, ref: 'refs/remotes/origin/main' }) };
    }
    default:
      throw new Error('unknown command ' + command);
  }
}

run().then(result => {
  result.messages = messages;
  process.stdout.write(JSON.stringify(result) + '\n');
}, e => {
  process.stdout.write(JSON.stringify({ failed: true, code: e.code, error: String(e && e.message), messages }) + '\n');
  process.exitCode = 1;
});

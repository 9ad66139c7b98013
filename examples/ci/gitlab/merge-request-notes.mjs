// The GitLab API calls of portalctl.gitlab-ci.yml, with Node's own fetch (Node 20, no dependencies):
//   node merge-request-notes.mjs post plan.md         post the plan as the merge request's note, or update it
//   node merge-request-notes.mjs failed plan.err      print a note body saying the plan failed
//   node merge-request-notes.mjs fetch-plan plan.json  save the plan of the merge request this commit merged
import { readFileSync, writeFileSync } from 'node:fs';

const TITLE = '## portalctl plan';
const env = (name) => process.env[name] ?? fail(`${name} is not set`);

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

async function api(path, init = {}) {
  const response = await fetch(`${env('CI_API_V4_URL')}/projects/${env('CI_PROJECT_ID')}${path}`, {
    ...init,
    headers: { 'PRIVATE-TOKEN': env('GITLAB_API_TOKEN'), 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) fail(`GitLab API ${init.method ?? 'GET'} ${path}: ${response.status} ${response.statusText}`);
  return response;
}

/** Every page of a list. */
async function all(path) {
  const items = [];
  for (let page = '1'; page; ) {
    const response = await api(`${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`);
    items.push(...(await response.json()));
    page = response.headers.get('x-next-page');
  }
  return items;
}

async function post(file) {
  const body = readFileSync(file, 'utf8');
  const notes = `/merge_requests/${env('CI_MERGE_REQUEST_IID')}/notes`;
  const mine = (await all(notes)).find((note) => note.body.startsWith(TITLE));
  if (mine) await api(`${notes}/${mine.id}`, { method: 'PUT', body: JSON.stringify({ body }) });
  else await api(notes, { method: 'POST', body: JSON.stringify({ body }) });
}

function failed(file) {
  process.stdout.write(`${TITLE}: failed\n\n\`\`\`\n${readFileSync(file, 'utf8').slice(0, 60_000)}\n\`\`\`\n`);
}

async function fetchPlan(out) {
  const sha = env('CI_COMMIT_SHA');
  const [mr] = await (await api(`/repository/commits/${sha}/merge_requests`)).json();
  if (!mr) fail(`no merge request merged by ${sha}: nothing reviewed to apply`);
  // The last successful pipeline on the merge request's head, and its plan job's artifact.
  const pipeline = (await all(`/merge_requests/${mr.iid}/pipelines`)).find((p) => p.sha === mr.sha && p.status === 'success');
  if (!pipeline) fail(`merge request !${mr.iid} has no successful pipeline for ${mr.sha}`);
  const job = (await all(`/pipelines/${pipeline.id}/jobs`)).find((j) => j.name === 'portalctl-plan' && j.status === 'success');
  if (!job) fail(`pipeline ${pipeline.id} of merge request !${mr.iid} has no successful portalctl-plan job`);
  writeFileSync(out, await (await api(`/jobs/${job.id}/artifacts/plan.json`)).text());
}

const [command, file] = process.argv.slice(2);
if (command === 'post' && file) await post(file);
else if (command === 'failed' && file) failed(file);
else if (command === 'fetch-plan' && file) await fetchPlan(file);
else fail('usage: merge-request-notes.mjs post PLAN.md | failed ERRORS.txt | fetch-plan PLAN.json');

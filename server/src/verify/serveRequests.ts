// The request loop the Jest and Vitest worker sources end with: one JSON request a line on stdin, answered in
// order (a candidate's run never overlaps the next). The worker source defines queue (a promise), handle
// and send before it.
export const SERVE_REQUESTS = String.raw`
let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (!line.trim()) continue;
    const req = JSON.parse(line);
    queue = queue.then(() => handle(req)).then(send, (e) => send({ id: req.id, status: 'crashed', message: String(e), tests: [] }));
  }
});
process.stdin.on('end', () => process.exit(0));
`;

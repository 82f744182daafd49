// An SMTP server that refuses some recipients, for hard-bounce tests (maildev accepts every address).
//   node bounce-smtp.js --smtp <port> --web <port>
// RCPT TO an address whose local part starts with "bounce" is answered "550 5.1.1 … user unknown"; every other
// recipient is accepted and its message read and discarded. GET http://127.0.0.1:<web>/ answers what it saw as JSON:
// { "refused": [addresses, in order], "accepted": [addresses of delivered messages, in order] }.
'use strict';
const http = require('node:http');
const { SMTPServer } = require('smtp-server');

const arg = name => {
  const i = process.argv.indexOf('--' + name);
  const port = i > 0 ? Number(process.argv[i + 1]) : NaN;
  if (!Number.isInteger(port) || port <= 0) { console.error(`usage: node bounce-smtp.js --smtp <port> --web <port> (missing --${name})`); process.exit(2); }
  return port;
};
const seen = { refused: [], accepted: [] };

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onRcptTo(address, session, callback) {
    if (address.address.toLowerCase().startsWith('bounce')) {
      seen.refused.push(address.address);
      const err = new Error(`5.1.1 <${address.address}>: Recipient address rejected: user unknown`);
      err.responseCode = 550;
      return callback(err);
    }
    callback();
  },
  onData(stream, session, callback) {
    stream.on('end', () => {
      for (const r of session.envelope.rcptTo) seen.accepted.push(r.address);
      callback(null, 'OK: discarded');
    });
    stream.resume();
  },
});
smtp.on('error', e => console.error(e.message));
smtp.listen(arg('smtp'), '127.0.0.1');

http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(seen));
}).listen(arg('web'), '127.0.0.1');

// The peer of make bench (cmd/warroom-bench, versus.go): a Slack Bolt-JS app over signed
// HTTP that only acknowledges /incident slash commands: Bolt verifies the signature and the
// timestamp, routes the command and sends the empty 200, and does nothing else. warroom does
// a durable, hash-chained write before each of its acks, so this is the floor a Slack app
// pays for the HTTP path alone.
//
// Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL (the fake Slack, which
// Bolt calls once at start, auth.test), PEER_ADDR (host:port to listen on). It prints
// "ready" on standard output once it listens.
const { App, LogLevel } = require('@slack/bolt');

const [host, port] = (process.env.PEER_ADDR || '127.0.0.1:3000').split(':');

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  endpoints: ['/slack/commands', '/slack/events'],
  logLevel: LogLevel.ERROR,
});

app.command('/incident', async ({ ack }) => {
  await ack();
});

(async () => {
  await app.start({ host, port: Number(port) });
  process.stdout.write('ready\n');
})().catch((err) => {
  console.error('peer failed to start:', err);
  process.exit(1);
});

process.on('SIGTERM', () => {
  app.stop().finally(() => process.exit(0));
});

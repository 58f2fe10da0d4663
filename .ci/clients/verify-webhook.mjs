// Receiving the registry's webhooks in Node (the README's example, run by drive.py in CI).
import { Webhook } from "standardwebhooks";

/** The event, once its signature and timestamp (5 minutes' tolerance) are verified; throws otherwise. */
export function receive(secret, body, headers) {
  return new Webhook(secret).verify(body, headers);
}

// CI: `node verify-webhook.mjs` reads {"secret", "body", "headers"} on stdin and prints the event's type.
if (import.meta.url === `file://${process.argv[1]}`) {
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", () => {
    const { secret, body, headers } = JSON.parse(input);
    console.log(receive(secret, body, headers).type);
  });
}

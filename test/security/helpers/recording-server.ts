import Koa from "koa";
import { listen, type RunningServer } from "../../../sandbox/shared/listen";

export interface RecordingServer extends RunningServer {
  /** Every request received, as "METHOD /path?query". */
  requests: string[];
}

/**
 * A server that must never be called: it records each request and answers as a key server
 * would, so a test can prove that nothing left the process towards it.
 */
export async function startRecordingServer(
  host = "127.0.0.1",
  port = 0,
  answer = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----",
): Promise<RecordingServer> {
  const requests: string[] = [];
  const app = new Koa();
  app.use((ctx) => {
    requests.push(`${ctx.method} ${ctx.url}`);
    ctx.type = "text/plain";
    ctx.body = answer;
  });
  const running = await listen(app, port, host);
  return { ...running, requests };
}

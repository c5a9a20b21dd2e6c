import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem.js';

/** What Node's HTTP parser refused, as the API says it: status, title, code and why. */
const REFUSALS: Record<string, [status: number, title: string, code: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'REQUEST.HEADERS_TOO_LARGE',
    'The request line and headers are larger than the server takes (16 KB in all): shorten the query or the headers.',
  ],
  HPE_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST.TIMEOUT', 'The request was not received in time.'],
};
const MALFORMED: [number, string, string, string] = [400, 'Bad Request', 'REQUEST.MALFORMED', 'The request is not valid HTTP/1.1.'];

/**
 * Requests Node's HTTP parser refuses before the application sees them (headers past its limit, bytes
 * that are no HTTP) are answered as every other refusal, problem+json with a code, instead of Node's
 * bare status line without a body. The connection is closed after: the parser cannot go on with it.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client gone (reset) or a connection already answered: nothing to say to it.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, title, code, detail] = REFUSALS[error.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ type: problemType(code), title, status, detail, code });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** Another writer appended to the stream first: the expected version is no longer the stream's version. */
export class StreamVersionConflict extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}.`);
    this.name = 'StreamVersionConflict';
  }
}

/** A problem with the call database. The message names the database file. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code:
      | 'not_a_database'
      | 'newer_schema'
      | 'migration_failed'
      | 'unknown_call'
      | 'io'
      | 'closed',
    readonly dbPath: string,
  ) {
    super(message);
  }
}

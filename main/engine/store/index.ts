/** The call database: storage, full-text search, data folder. */
export { benchStoreWrites, type StoreWriteBench } from './bench';
export {
  type CallEndReason,
  CallStore,
  type NewCall,
  type SearchHit,
  type StoreOpenOptions,
  type TalkTrackRecord,
} from './call-store';
export { StoreError, type StoreErrorCode } from './errors';
export { foldText, searchTerms } from './fts';
export {
  assertCurrentSchema,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  type Migration,
  migrate,
} from './migrations';
export { defaultDataDir, defaultDbPath } from './paths';

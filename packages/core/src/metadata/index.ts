export { ScfaHeaderMetadataSource, scfaHeaderMetadata } from './scfa-header-metadata-source.js';

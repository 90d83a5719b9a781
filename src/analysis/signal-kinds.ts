// The kind codes are shared with the store, which cannot import analysis; they live in the domain.
export { SIGNAL_CODE, SIGNAL_KINDS } from '../domain/signal-kinds.js';

/**
 * Where the host must place the node table: 16 bytes per trie node, base i32, check i32, score f64
 * (see src/trie.ts). A constant address folds into the loads' offset field and frees a register
 * in the inner loops.
 */
export const NODES: usize = 1024;

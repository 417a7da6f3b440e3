/** The Llama 3 byte-level BPE tokenizer: vocabulary loading, encoding, decoding, chat format. */
package io.llama4j.tokenizer;

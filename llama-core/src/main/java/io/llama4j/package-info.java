/** The public face of llama4j: load a model, open a session, generate. */
package io.llama4j;

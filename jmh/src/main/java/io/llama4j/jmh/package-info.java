/** JMH benchmarks guarding the hot paths. */
package io.llama4j.jmh;

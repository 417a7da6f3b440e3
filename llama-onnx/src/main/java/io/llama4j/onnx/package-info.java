/** ONNX Runtime executor provider. */
package io.llama4j.onnx;

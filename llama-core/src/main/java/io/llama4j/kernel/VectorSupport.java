package io.llama4j.kernel;

import java.lang.System.Logger.Level;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) is available. The kernel's vector code lives in
 * {@link VectorDots}, which is only loaded when this is true; otherwise the scalar loops run and one
 * warning says how to get the fast path.
 */
final class VectorSupport {
    static final boolean ENABLED = detect();

    private VectorSupport() {
    }

    private static boolean detect() {
        if (Boolean.getBoolean("llama4j.scalar")) {
            return false;
        }
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            System.getLogger("io.llama4j").log(Level.WARNING,
                    "jdk.incubator.vector is not available: llama4j runs its scalar kernel, several times slower."
                            + " Add the JVM flag --add-modules jdk.incubator.vector for the vectorized kernel.");
        }
        return present;
    }
}

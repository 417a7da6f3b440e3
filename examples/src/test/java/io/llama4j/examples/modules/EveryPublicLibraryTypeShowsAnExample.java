package io.llama4j.examples.modules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every public type of the library modules (top-level, or nested in a public type) has a class comment that
 * shows how it is used: a {@code {@snippet ...}} or a {@code <pre>{@code ...}</pre>} block. The sources are
 * parsed with javac's tree API, so a comment is only counted when javac attaches it to the type.
 */
class EveryPublicLibraryTypeShowsAnExample {

    @ParameterizedTest
    @ValueSource(strings = {"llama-tokenizer", "llama-core", "llama-onnx"})
    void everyPublicTypeHasAClassCommentWithAnExample(String module) throws IOException {
        Path sources = projectRoot().resolve(module).resolve("src/main/java");
        assertTrue(Files.isDirectory(sources), "no sources at " + sources);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("module-info.java"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                    .sorted().toList();
        }
        assertTrue(files.size() > 5, "only " + files.size() + " source files under " + sources);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> missing = new ArrayList<>();
        int checked;
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavacTask task = (JavacTask) javac.getTask(null, fileManager, null, List.of("-proc:none"), null,
                    fileManager.getJavaFileObjectsFromPaths(files));
            DocTrees docs = DocTrees.instance(task);
            PublicTypeScanner scanner = new PublicTypeScanner(docs, missing);
            for (CompilationUnitTree unit : task.parse()) {
                scanner.scan(unit, null);
            }
            checked = scanner.checked;
        }
        assertTrue(checked > 0, "found no public type in " + sources);
        assertTrue(missing.isEmpty(), module + ": " + missing.size() + " of " + checked
                + " public types have no class comment with a {@snippet} or <pre>{@code} example:\n  "
                + String.join("\n  ", missing));
    }

    /** The repository root: surefire runs this module's tests from examples/. */
    static Path projectRoot() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    private static final class PublicTypeScanner extends TreePathScanner<Void, Void> {
        private final DocTrees docs;
        private final List<String> missing;
        private int checked;

        PublicTypeScanner(DocTrees docs, List<String> missing) {
            this.docs = docs;
            this.missing = missing;
        }

        @Override
        public Void visitClass(ClassTree type, Void unused) {
            if (!isApi(getCurrentPath())) {
                return null;   // nothing inside a non-public type is reachable from outside either
            }
            checked++;
            DocCommentTree comment = docs.getDocCommentTree(getCurrentPath());
            String text = comment == null ? "" : comment.toString();
            if (!text.contains("{@snippet") && !text.contains("<pre>{@code")) {
                CompilationUnitTree unit = getCurrentPath().getCompilationUnit();
                long line = unit.getLineMap().getLineNumber(docs.getSourcePositions().getStartPosition(unit, type));
                missing.add(qualifiedName(getCurrentPath()) + (comment == null ? " (no class comment)" : " (no example)")
                        + " at " + Path.of(unit.getSourceFile().toUri()).getFileName() + ":" + line);
            }
            return super.visitClass(type, unused);
        }

        @Override
        public Void visitMethod(com.sun.source.tree.MethodTree method, Void unused) {
            return null;   // local and anonymous classes are not API
        }

        @Override
        public Void visitVariable(com.sun.source.tree.VariableTree variable, Void unused) {
            return null;   // nor are enum constant bodies or classes in initializers
        }

        /** Public, or a member of an interface (implicitly public), and so is every enclosing type. */
        private static boolean isApi(TreePath path) {
            Tree parent = path.getParentPath().getLeaf();
            ClassTree type = (ClassTree) path.getLeaf();
            if (parent instanceof ClassTree enclosing) {
                boolean implicitlyPublic = enclosing.getKind() == Tree.Kind.INTERFACE
                        || enclosing.getKind() == Tree.Kind.ANNOTATION_TYPE;
                return (implicitlyPublic || type.getModifiers().getFlags().contains(Modifier.PUBLIC))
                        && isApi(path.getParentPath());
            }
            return type.getModifiers().getFlags().contains(Modifier.PUBLIC);
        }

        private static String qualifiedName(TreePath path) {
            StringBuilder name = new StringBuilder();
            for (TreePath p = path; p != null; p = p.getParentPath()) {
                if (p.getLeaf() instanceof ClassTree type) {
                    name.insert(0, name.isEmpty() ? type.getSimpleName() : type.getSimpleName() + ".");
                }
            }
            CompilationUnitTree unit = path.getCompilationUnit();
            return unit.getPackageName() == null ? name.toString() : unit.getPackageName() + "." + name;
        }
    }
}

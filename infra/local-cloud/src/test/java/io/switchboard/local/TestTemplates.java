package io.switchboard.local;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The templates the tests run: the project's own and the local cloud's test stack. */
final class TestTemplates {

    private TestTemplates() {
    }

    static Path project() {
        return TemplateModel.locate(Path.of("")).orElseThrow(() -> new IllegalStateException("template.yaml not found"));
    }

    static Path testStack() {
        try {
            return Path.of(TestTemplates.class.getResource("/test-template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

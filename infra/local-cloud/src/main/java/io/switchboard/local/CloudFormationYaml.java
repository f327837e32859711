package io.switchboard.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a CloudFormation/SAM template. The short-form intrinsic tags ({@code !Ref}, {@code !GetAtt},
 * {@code !Sub}, {@code !If}...) become the long form a JSON template would contain ({@code {"Ref": x}},
 * {@code {"Fn::GetAtt": [resource, attribute]}}...), so the rest of the code only ever sees plain maps,
 * lists and scalars.
 */
final class CloudFormationYaml {

    private CloudFormationYaml() {
    }

    static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(reader);
        }
    }

    static Map<String, Object> load(Reader reader) {
        Object document = new Yaml(new IntrinsicConstructor()).load(reader);
        if (!(document instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a template must be a YAML mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> template = (Map<String, Object>) map;
        return template;
    }

    static Map<String, Object> load(String yaml) {
        return load(new java.io.StringReader(yaml));
    }

    /** Safe (no arbitrary classes) plus every tag starting with '!' read as an intrinsic function. */
    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor() {
            super(loaderOptions());
            // A prefix ("multi") constructor: catches !Ref, !GetAtt, !Sub and any intrinsic added later.
            yamlMultiConstructors.put("!", new ConstructIntrinsic());
        }

        private static LoaderOptions loaderOptions() {
            LoaderOptions options = new LoaderOptions();
            // Two resources with the same logical id is a template bug CloudFormation rejects too.
            options.setAllowDuplicateKeys(false);
            return options;
        }

        private final class ConstructIntrinsic extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String tag = node.getTag().getValue().substring(1);
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    argument = constructScalar(scalar);
                } else if (node instanceof SequenceNode sequence) {
                    argument = new ArrayList<>(constructSequence(sequence));
                } else {
                    argument = new LinkedHashMap<>(constructMapping((MappingNode) node));
                }
                return Map.of(longName(tag), tag.equals("GetAtt") ? getAttArguments(argument) : argument);
            }
        }
    }

    private static String longName(String shortName) {
        return switch (shortName) {
            case "Ref", "Condition" -> shortName;
            default -> "Fn::" + shortName;
        };
    }

    /** {@code !GetAtt Queue.Arn} is shorthand for {@code [Queue, Arn]}; the attribute may itself contain dots. */
    private static Object getAttArguments(Object argument) {
        if (argument instanceof String text) {
            int dot = text.indexOf('.');
            return dot < 0 ? List.of(text) : List.of(text.substring(0, dot), text.substring(dot + 1));
        }
        return argument;
    }
}

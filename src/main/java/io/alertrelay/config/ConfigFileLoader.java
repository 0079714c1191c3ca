package io.alertrelay.config;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Spring Boot's own loaders for config files, except that a YAML syntax error names its file. SnakeYAML
 * reports only "in 'reader', line 3, column 9" in a multi-line message, and Spring Boot passes it on
 * without the file, so a broken application.yaml printed a long stack trace at startup and a reload
 * answered without line or column.
 *
 * <p>It takes every extension of the two default loaders, in their order, and is ordered first, so it
 * loads every config file and the usual precedence (.properties over .yaml in one place) is unchanged.
 */
public class ConfigFileLoader implements PropertySourceLoader, Ordered {

    private final PropertySourceLoader properties = new PropertiesPropertySourceLoader();
    private final PropertySourceLoader yaml = new YamlPropertySourceLoader();

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public String[] getFileExtensions() {
        return new String[] {"properties", "xml", "yml", "yaml"};
    }

    @Override
    public List<PropertySource<?>> load(String name, Resource resource) throws IOException {
        String file = resource.getFilename() == null ? "" : resource.getFilename().toLowerCase(Locale.ROOT);
        if (!file.endsWith(".yml") && !file.endsWith(".yaml")) {
            return properties.load(name, resource);
        }
        try {
            return yaml.load(name, resource);
        } catch (YAMLException e) {
            throw new InvalidConfigFileException(describe(resource, e), e);
        }
    }

    /** "file [/etc/relay/application.yaml], line 3, column 9: mapping values are not allowed here". */
    static String describe(Resource resource, YAMLException e) {
        String where = resource.getDescription();
        if (e instanceof MarkedYAMLException marked) {
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
            if (mark != null) {
                // SnakeYAML counts from 0; editors count from 1
                where += ", line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            }
            return where + ": " + oneLine(problem);
        }
        return where + ": " + oneLine(e.getMessage());
    }

    private static String oneLine(String s) {
        return s == null ? "not valid YAML" : s.strip().lines().findFirst().orElse("not valid YAML");
    }
}

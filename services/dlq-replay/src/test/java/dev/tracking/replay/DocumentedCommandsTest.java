package dev.tracking.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Docs stay true: the README's replay section names every command and every option the tool has. */
class DocumentedCommandsTest {
    private static final Set<String> STANDARD = Set.of("--help", "--version");

    @Test
    void theReadmeNamesEveryCommandAndOption() throws IOException {
        String readme = Files.readString(Path.of("../../README.md"));
        int start = readme.indexOf("## Operating: dead letters and replay");
        assertThat(start).as("the README's replay section").isNotNegative();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        CommandLine tool = new CommandLine(new ReplayCli(Map.of(), nowhere, nowhere, Clock.systemUTC(), false));

        Set<String> names = new TreeSet<>();
        tool.getSubcommands().forEach((name, command) -> {
            if (!name.equals("help")) {
                names.add(name);
                CommandSpec spec = command.getCommandSpec();
                for (OptionSpec option : spec.options()) {
                    if (!STANDARD.contains(option.longestName())) {
                        names.add(option.longestName());
                    }
                }
            }
        });

        assertThat(names).as("commands and options").contains("replay", "--execute", "--offsets");
        assertThat(names)
                .as("named in the README's replay section, in backticks")
                .allSatisfy(name -> assertThat(section).contains("`" + name));
    }
}

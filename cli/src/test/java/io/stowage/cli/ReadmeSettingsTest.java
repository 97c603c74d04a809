package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one the setting declarations make. */
class ReadmeSettingsTest {

    @Test
    void readmeHasTheConfigurationTableOfTheDeclarations() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("stowage.readme", "../README.md")));
        String table = SettingsCommand.Settings.markdown();
        assertThat(readme)
                .as("README.md is out of date: paste the output of 'bin/stowage settings' into its Configuration section")
                .contains(table);
    }
}

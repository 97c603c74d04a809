package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.ProcessSettings;
import io.stowage.common.config.Setting;
import io.stowage.ingest.IngestConfig;
import io.stowage.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void everyDeclaredSettingIsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("stowage.readme", "../README.md")));
        List<Setting<?>> declared = new ArrayList<>(Setting.declaredIn(ServerConfig.class, IngestConfig.class,
                ClientSettings.class, ProcessSettings.class, DevCommand.class));
        declared.addAll(QueryTools.exportSettings());
        assertThat(QueryTools.exportSettings()).as("the export tool's settings").isNotEmpty();
        assertThat(declared).hasSizeGreaterThan(40);
        assertThat(declared).allSatisfy(s -> assertThat(readme).as("README.md row of %s", s.env())
                .contains("| `" + s.env() + "` | `" + s.flag() + "` |"));
    }
}

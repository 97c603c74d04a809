package io.stowage.cli;

import picocli.CommandLine.IVersionProvider;

/** The version of this build, from the jar manifest. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"stowage " + current()};
    }

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}

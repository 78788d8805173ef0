package dev.anchor.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Anchor.class.getPackage().getImplementationVersion();
        return new String[] {"anchor " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}

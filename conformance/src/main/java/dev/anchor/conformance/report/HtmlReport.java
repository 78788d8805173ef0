package dev.anchor.conformance.report;

import java.util.Locale;
import java.util.Map;

/**
 * One target's results as a single HTML file with no outside resources: the counts at the top,
 * then every rule with its verdict, what it rests on, its statement, and the message behind any
 * verdict other than PASS. What {@code anchor conform --report} writes beside the JSON.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String of(Results results) {
        StringBuilder sb = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <title>Anchor conformance: %s</title>
                <style>
                body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
                table{border-collapse:collapse;width:100%%}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
                th{background:#f4f4f4;text-align:left}.v{font-weight:bold;white-space:nowrap}
                .pass{background:#dff3df}.fail{background:#f8d4d4}.non-strict{background:#fbecc8}
                .informational{background:#dde8f8}.unsupported,.skipped{background:#eee;color:#666}
                pre{white-space:pre-wrap;margin:0;font-size:12px}
                </style></head><body>
                """.formatted(escape(results.implementation())));
        sb.append("<h1>Anchor conformance: ").append(escape(results.implementation())).append("</h1>\n<p>");
        for (Map.Entry<String, Long> c : results.counts().entrySet()) {
            sb.append("<span class=\"v ").append(c.getKey()).append("\">").append(c.getValue()).append(' ')
                    .append(c.getKey().toUpperCase(Locale.ROOT)).append("</span> &nbsp; ");
        }
        sb.append("of ").append(results.results().size()).append(" rules; Java ").append(escape(results.java()))
                .append("</p>\n<table><tr><th>rule</th><th>verdict</th><th>rests on</th><th>statement</th>")
                .append("<th>what happened</th><th>ms</th></tr>\n");
        for (Results.Result r : results.results()) {
            sb.append("<tr id=\"").append(r.rule()).append("\"><td>").append(r.rule()).append("</td><td class=\"v ")
                    .append(r.verdict()).append("\">").append(r.verdict().toUpperCase(Locale.ROOT))
                    .append(r.expected() ? " (expected)" : "").append("</td><td>").append(escape(r.basis()))
                    .append("</td><td>").append(escape(r.statement())).append("</td><td><pre>")
                    .append(escape(r.detail())).append("</pre></td><td>").append(r.millis()).append("</td></tr>\n");
        }
        return sb.append("</table></body></html>\n").toString();
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

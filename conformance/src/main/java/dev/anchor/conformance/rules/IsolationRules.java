package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.Payloads;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Tunnels are independent: no cross-talk, no shared fate, no head-of-line blocking. */
public abstract class IsolationRules extends RuleGroup {
    protected IsolationRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.ISO_01)
    void iso01_concurrentTunnelsKeepTheirOwnMessages() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        List<Future<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 50; c++) {
            int id = c;
            clients.add(Background.start("client-" + id, () -> {
                try (RawClient client = RawClient.connect(gateway.address())) {
                    client.upgrade("/tunnel-" + id);
                    for (int m = 0; m < 20; m++) {
                        Frame sent = Frame.text("tunnel " + id + " message " + m);
                        client.send(sent);
                        assertThat(client.readFrame()).isEqualTo(sent);
                    }
                }
                return null;
            }));
        }
        for (Future<Void> c : clients) {
            Background.await(c, 2);
        }
    }

    @Test
    @Conforms(Rule.ISO_02)
    void iso02_anyInterleavingKeepsEachSequence() throws Exception {
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(echo.address());

        Seeds.theory(100).withShrinkCycles(10)
                .forAll(integers().between(2, 6), lists().of(integers().between(0, 1_000_000)).ofSizeBetween(1, 40))
                .checkAssert((tunnels, schedule) -> TunnelRules.io(() -> {
                    List<RawClient> clients = new ArrayList<>();
                    try {
                        for (int t = 0; t < tunnels; t++) {
                            RawClient c = RawClient.connect(gateway.address());
                            clients.add(c);
                            c.upgrade("/");
                        }
                        List<List<Frame>> sent = new ArrayList<>();
                        for (int t = 0; t < tunnels; t++) {
                            sent.add(new ArrayList<>());
                        }
                        for (int step : schedule) {
                            int t = step % tunnels;
                            int size = step / tunnels % 1000;
                            Frame f = Frame.binary(Payloads.pattern(t * 1_000_000_007L + sent.get(t).size() * 1009L, size));
                            clients.get(t).send(f);
                            sent.get(t).add(f);
                        }
                        for (int t = 0; t < tunnels; t++) {
                            for (Frame expected : sent.get(t)) {
                                assertThat(clients.get(t).readFrame()).as("tunnel %d", t).isEqualTo(expected);
                            }
                        }
                    } finally {
                        for (RawClient c : clients) {
                            c.close();
                        }
                    }
                }));
    }

    @Test
    @Conforms(Rule.ISO_03)
    void iso03_resetOfOneLeavesOthers() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = fx.raw(gateway);
            c.upgrade("/");
            clients.add(c);
        }

        clients.get(1).reset();
        Await.until("the reset tunnel to be gone", TestTime.PROMPT, () -> gateway.status().tunnels() == 2);

        for (int i : new int[] {0, 2}) {
            Frame f = Frame.text("still tunnel " + i);
            clients.get(i).send(f);
            assertThat(clients.get(i).readFrame()).isEqualTo(f);
        }
    }

    @Test
    @Conforms(Rule.ISO_04)
    void iso04_stalledTunnelDoesNotHoldUpOthers() throws Exception {
        AtomicLong flooded = new AtomicLong();
        ScriptedBackend flooding = fx.scripted(c -> {
            c.accept();
            Payloads.sendFrames(c, 64L << 20, 1 << 20, flooded);
        });
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(fx.config(flooding.address())
                .route("/echo", BalancerKind.ROUND_ROBIN, List.of(echo.address())).build());
        RawClient stalled = fx.raw(gateway);
        stalled.upgrade("/flood");
        Await.until("the flood to start", TestTime.PROMPT, () -> flooded.get() > 0);

        RawClient lively = fx.raw(gateway);
        lively.upgrade("/echo");
        for (int i = 0; i < 100; i++) {
            Frame f = Frame.binary(Payloads.pattern(i, 4096));
            lively.send(f);
            assertThat(lively.readFrame()).isEqualTo(f);
        }
        assertThat(flooded.get()).as("the stalled tunnel is still stalled").isLessThan(64L << 20);
        stalled.reset();
    }
}

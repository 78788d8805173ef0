package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ListenTlsConfigTest {
    private static final String ROUTES = "routes: [{path: /, backends: [127.0.0.1:9001]}]\n";

    @Test
    void aPlainListenIsStillAnAddressAndPlaintext() {
        GatewayConfig c = ConfigLoader.parse("listen: 127.0.0.1:8443\n" + ROUTES);
        assertThat(c.listen().getPort()).isEqualTo(8443);
        assertThat(c.listenTls().enabled()).isFalse();
    }

    @Test
    void oneCertificateIsReadRelativeToTheConfigurationsDirectory() {
        GatewayConfig c = ConfigLoader.parse("""
                listen:
                  address: 127.0.0.1:8443
                  tls: {certificate: site.pem, key: /etc/anchor/site.key}
                """ + ROUTES, Path.of("/srv/anchor"));
        assertThat(c.listen().getPort()).isEqualTo(8443);
        assertThat(c.listenTls().certificates()).containsExactly(
                ServerCertificate.pem("listen.tls", Path.of("/srv/anchor/site.pem"), Path.of("/etc/anchor/site.key"), null));
    }

    @Test
    void severalCertificatesKeepTheirOrderAndTheirKeys() {
        GatewayConfig c = ConfigLoader.parse("""
                listen:
                  address: 127.0.0.1:8443
                  tls:
                    certificates:
                      - {certificate: /a.pem, key: /a.key, password: secret}
                      - {keystore: /b.p12, password: other}
                """ + ROUTES);
        assertThat(c.listenTls().certificates()).containsExactly(
                ServerCertificate.pem("listen.tls.certificates[0]", Path.of("/a.pem"), Path.of("/a.key"), "secret"),
                ServerCertificate.pkcs12("listen.tls.certificates[1]", Path.of("/b.p12"), "other"));
        assertThat(c.listenTls().certificates().get(0).toString()).doesNotContain("secret");
    }

    @Test
    void aHalfGivenCertificateIsRefusedByItsKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("listen: {address: 127.0.0.1:8443, tls: {certificate: /a.pem}}\n" + ROUTES))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.tls.key: missing");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "listen: {address: 127.0.0.1:8443, tls: {keystore: /a.p12, key: /a.key}}\n" + ROUTES))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.tls.key: a keystore holds");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "listen: {address: 127.0.0.1:8443, tls: {certificates: [{certificat: /a.pem}]}}\n" + ROUTES))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.tls.certificates[0].certificat: unknown key");
        assertThatThrownBy(() -> ConfigLoader.parse("listen: {adress: 127.0.0.1:8443}\n" + ROUTES))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("listen.adress: unknown key");
    }

    @Test
    void turningTlsOnOrOffNeedsARestartButNewCertificatesDoNot() {
        GatewayConfig plain = ConfigLoader.parse("listen: 127.0.0.1:8443\n" + ROUTES);
        GatewayConfig tls = ConfigLoader.parse("listen: {address: 127.0.0.1:8443, tls: {certificate: /a.pem, key: /a.key}}\n" + ROUTES);
        GatewayConfig renewed = ConfigLoader.parse("listen: {address: 127.0.0.1:8443, tls: {certificate: /b.pem, key: /b.key}}\n" + ROUTES);
        assertThat(plain.restartOnlyChange(tls)).isEqualTo("listen.tls");
        assertThat(tls.restartOnlyChange(renewed)).isNull();
    }
}

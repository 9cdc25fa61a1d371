package io.driftline.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.RealKafka;
import io.driftline.testsupport.TestProperties;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@RealKafka
class SemanticCatalogApplicationTest {

  @Value("${local.server.port}")
  int port;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    TestProperties.register(registry, SemanticCatalogApplicationTest.class);
    registry.add("driftline.catalog.dataset", TestDatasets::newFolder);
  }

  @Test
  void reportsHealthUp() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }
}

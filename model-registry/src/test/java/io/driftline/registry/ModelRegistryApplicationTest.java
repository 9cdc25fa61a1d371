package io.driftline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.HttpProbe;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelRegistryApplicationTest {

  @Value("${local.server.port}")
  int port;

  @Test
  void reportsHealthUp() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }
}

package io.driftline.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.testsupport.HttpProbe;
import io.driftline.testsupport.RealPostgres;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

// @RealPostgres first: its database must outlive the Spring context, which closes after the class
@RealPostgres
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TeacherApplicationTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    TeacherTestProperties.register(registry, TeacherApplicationTest.class);
  }

  @Value("${local.server.port}")
  int port;

  @Test
  void reportsHealthUp() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"UP\"");
  }

  @Test
  void exposesTheJobQueueDepthToPrometheus() throws Exception {
    HttpResponse<String> response = HttpProbe.get(port, "/actuator/prometheus");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("driftline_teacher_jobs_queued").contains("driftline_teacher_jobs_running");
  }
}

package io.driftline.registry.console;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers a failed proxied call as problem+json whose title names the service and the failure. */
@RestControllerAdvice(assignableTypes = ConsoleProxy.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

  @ExceptionHandler(ConsoleServiceException.class)
  ProblemDetail service(ConsoleServiceException e) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setTitle(e.title());
    return problem;
  }
}

package io.driftline.registry.console;

import io.driftline.registry.model.RegistryException;
import org.springframework.http.HttpStatus;

/**
 * A service behind the console proxy that is not configured (503) or cannot be used (502). The
 * title names the service and the failure ({@code cloud teacher unreachable}), which the console
 * shows in place of the data.
 */
class ConsoleServiceException extends RegistryException {

  private final String title;

  ConsoleServiceException(HttpStatus status, String title, String detail) {
    super(status, detail);
    this.title = title;
  }

  /** Returns the problem's title. */
  String title() {
    return title;
  }
}

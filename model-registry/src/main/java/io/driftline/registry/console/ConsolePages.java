package io.driftline.registry.console;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Serves the console's page at {@code /console/} (its files are static resources under {@code /console/}). */
@Controller
@Hidden
class ConsolePages {

  @GetMapping("/console")
  String redirect() {
    return "redirect:/console/";
  }

  @GetMapping("/console/")
  String index() {
    return "forward:/console/index.html";
  }
}

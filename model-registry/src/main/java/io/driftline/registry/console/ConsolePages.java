package io.driftline.registry.console;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Serves the console's page at {@code /console/} (its files are static resources under {@code /console/}). */
@Controller
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

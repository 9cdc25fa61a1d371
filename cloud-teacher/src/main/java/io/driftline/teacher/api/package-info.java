/** The REST API the console uses: jobs, their details, manual triggers and retries; incidents (read only). */
@NullMarked
package io.driftline.teacher.api;

import org.jspecify.annotations.NullMarked;

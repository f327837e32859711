package io.switchboard.local.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.local.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver; .ci/run installs them): one click
 * on WhatsApp's "send a sample" shows the webhook stored, its three events and the customer's timeline entry, all
 * without reloading the page. Skipped, saying why, where no Chromium is installed.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void oneClickShowsTheWebhookItsEventsAndTheTimelineWithoutARefresh() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no Chromium here: install Debian's chromium and chromium-driver (.ci/run does) for the console's browser test");
        Path profile = Files.createTempDirectory("console-chromium-");
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options().env(Map.of(
                "WHATSAPP_APP_SECRET", "local-app-secret", "SWITCHBOARD_API_TOKEN", "local-api-token",
                "SWITCHBOARD_CURSOR_KEY", "local-cursor-key")))) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1400,1000", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.manage().timeouts().pageLoadTimeout(DEADLINE);
                browser.get(cloud.baseUrl() + "/console");
                WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(250));
                // A marker on the page's window: gone if the page were loaded again.
                ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
                WebElement send = wait.until(d -> d.findElements(By.id("send-whatsapp-text-message")).stream().findFirst().orElse(null));
                send.click();

                WebElement verdict = wait.until(d -> d.findElements(By.cssSelector("tr.webhook td.verdict")).stream()
                        .filter(e -> !e.getText().isEmpty()).findFirst().orElse(null));
                assertEquals("stored", verdict.getText());
                wait.until(d -> d.findElement(By.cssSelector("tr.webhook td.latency")).getText().endsWith(" ms"));
                String created = browser.findElement(By.cssSelector("tr.webhook td.created")).getText();
                assertTrue(created.contains("customers: 1") && created.contains("entries: 1")
                        && created.contains("phone:+14155550100"), created);
                Set<String> expected = Set.of("switchboard.customer.created", "switchboard.conversation.opened",
                        "switchboard.message.received");
                wait.until(d -> types(d).containsAll(expected));
                WebElement entry = wait.until(d -> d.findElements(By.cssSelector(".customer li.entry")).stream()
                        .filter(e -> e.getText().contains("Hi, is my order 4417 on its way?")).findFirst().orElse(null));
                assertTrue(entry.getText().contains("whatsapp inbound message"), entry.getText());
                WebElement customer = browser.findElement(By.cssSelector(".customer"));
                assertTrue(customer.getText().contains("Ann Example"), customer.getText());
                assertTrue(customer.getText().contains("phone:+14155550100"), customer.getText());
                String subject = browser.findElements(By.cssSelector("tr.event td.subject")).get(0).getText();
                assertEquals(subject, customer.getAttribute("data-id"), "the events' subject is the customer shown");
                // The same sample again is the provider's retry: a second row, a duplicate, nothing new.
                browser.findElement(By.id("send-whatsapp-text-message")).click();
                wait.until(d -> d.findElements(By.cssSelector("tr.webhook td.verdict")).size() == 2);
                assertEquals("duplicate", browser.findElements(By.cssSelector("tr.webhook td.verdict")).get(0).getText());
                assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"),
                        "the page updated itself without being loaded again");

                Path screenshot = Path.of("target", "console.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }

    private static Set<String> types(WebDriver browser) {
        List<WebElement> cells = browser.findElements(By.cssSelector("tr.event td.type"));
        return cells.stream().map(WebElement::getText).collect(Collectors.toSet());
    }
}

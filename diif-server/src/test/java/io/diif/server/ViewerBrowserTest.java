package io.diif.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer page in Debian's headless Chromium (driven by its ChromeDriver; nothing is downloaded):
 * opens the page, zooms in with the mouse wheel, waits for the tiles, checks both canvases and keeps a
 * screenshot in target/screenshots.
 */
class ViewerBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void zoomedInViewersShowDiifAndBicubicSideBySide() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's chromium and chromium-driver (apt-get install chromium"
                        + " chromium-driver; .ci/run installs them)");
        TestServers.writePng(TestServers.pattern(160, 120), dir.resolve("images/pattern.png"));
        TestServers.writePng(TestServers.pattern(40, 30), dir.resolve("images/small.png"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")),
                "--window-size=1400,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        // The trained default model, not the kit's random-weight one: the DIIF side must show the same picture.
        try (DiifServer server = DiifServer.start(TestServers.config(dir.resolve("images")).modelResource(null)
                .tileSize(256).build())) {
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(server.uri() + "#pattern");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
                JavascriptExecutor js = browser;
                wait.until(b -> Boolean.TRUE.equals(js.executeScript(
                        "return !!window.diifViewer && window.diifViewer.ready()")));
                assertEquals(2L, browser.findElements(By.cssSelector("#images li")).size());
                double before = number(js.executeScript("return window.diifViewer.sourceZoom()"));

                WebElement diif = browser.findElement(By.id("diif"));
                for (int i = 0; i < 8; i++) {
                    new Actions(browser).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(diif), 0, -200)
                            .perform();
                    Thread.sleep(150);
                }
                wait.until(b -> Boolean.TRUE.equals(js.executeScript("return window.diifViewer.ready()")));
                double zoomed = number(js.executeScript("return window.diifViewer.sourceZoom()"));
                assertTrue(zoomed > 2 * before && zoomed > 2, "wheel zoom went from " + before + " to " + zoomed);

                @SuppressWarnings("unchecked")
                Map<String, Object> canvases = (Map<String, Object>) js.executeScript(
                        "const c = window.diifViewer.canvases(); return c;");
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) canvases.get("diif");
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) canvases.get("bicubic");
                assertTrue(number(a.get("width")) >= 300 && number(a.get("height")) >= 200, canvases.toString());
                assertEquals(number(a.get("width")), number(b.get("width")), canvases.toString());
                assertTrue(number(a.get("std")) > 5 && number(b.get("std")) > 5, "blank canvas: " + canvases);
                assertTrue(number(canvases.get("meanAbsDiff")) > 1, "DIIF looks like bicubic: " + canvases);
                // Sharper than bicubic, but the same picture: similar contrast and brightness, close pixels.
                assertTrue(number(a.get("std")) > 0.7 * number(b.get("std"))
                        && Math.abs(number(a.get("mean")) - number(b.get("mean"))) < 8
                        && number(canvases.get("meanAbsDiff")) < 20, "DIIF does not show the picture: " + canvases);
                java.util.List<?> zoom = (java.util.List<?>) canvases.get("zoom");
                assertEquals(number(zoom.get(0)), number(zoom.get(1)), 1e-9, "zoom not locked: " + canvases);
                java.util.List<?> failed = (java.util.List<?>) canvases.get("tilesFailed");
                assertEquals(0.0, number(failed.get(0)) + number(failed.get(1)), "tiles failed: " + canvases);
                Path shots = Files.createDirectories(Path.of(System.getProperty("diif.screenshots", "target/screenshots")));
                File shot = browser.getScreenshotAs(OutputType.FILE);
                Files.copy(shot.toPath(), shots.resolve("viewer-zoomed.png"), StandardCopyOption.REPLACE_EXISTING);

                // The viewers zoom to x30 of the source and no further.
                js.executeScript("const v = window.diifViewer.state.viewers[0];"
                        + " v.viewport.zoomTo(v.viewport.getMaxZoom(), null, true);");
                wait.until(x -> Boolean.TRUE.equals(js.executeScript("return window.diifViewer.ready()")));
                assertEquals(ServerConfig.VIEWER_ZOOM, number(js.executeScript(
                        "return window.diifViewer.sourceZoom()")), 0.5);
                Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                        shots.resolve("viewer-x30.png"), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                browser.quit();
            }
        }
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }
}

// Charts for the trends page, drawn with uPlot. The page works without this file: each chart
// has a sentence above it and a table of its numbers below, both rendered by the server.
"use strict";

(() => {
  // Words from the JavaScript catalogue (/jsi18n/, loaded before this file); English if the
  // catalogue could not be loaded.
  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (m, key) => values[key]));
  // The page's language (<html lang>), for dates.
  const LANGUAGE = document.documentElement.lang || "en-GB";

  // Okabe-Ito: told apart with the common kinds of colour blindness.
  const C = {
    blue: "#0072B2",
    vermillion: "#D55E00",
    green: "#009E73",
    orange: "#E69F00",
    pink: "#CC79A7",
    sky: "#56B4E9",
  };
  // The page's colours for axes, labels, the 7-day lines and what is drawn "blank", light or
  // dark as the page is: read from trends.css just before each chart is drawn.
  let P = null;

  function palette(element) {
    const style = getComputedStyle(element);
    const read = (name) => style.getPropertyValue(name).trim();
    return {
      ink: read("--chart-ink"),
      tick: read("--chart-tick"),
      grid: read("--chart-grid"),
      paper: read("--chart-paper"),
      labelPaper: read("--chart-label-paper"),
    };
  }
  const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const HEIGHT = 240;
  const PRINT_WIDTH = 680; // about an A4 page less its margins, in CSS pixels

  // Colour is never the only cue: each line also has its own dash pattern.
  const DASH = {
    solid: [],
    dashed: [8, 4],
    dotted: [2, 3],
    dashDot: [10, 4, 2, 4],
    long: [16, 6],
    dashDotDot: [10, 3, 2, 3, 2, 3],
  };
  const PROBLEM_STYLES = [
    { colour: C.green, dash: DASH.dashed },
    { colour: C.pink, dash: DASH.dotted },
    { colour: C.vermillion, dash: DASH.dashDot },
    { colour: C.blue, dash: DASH.long },
    { colour: C.orange, dash: DASH.dashDotDot },
    { colour: C.sky, dash: DASH.dashed },
  ];

  // ---- Data ----

  // Each day as UTC midnight, shown in UTC: the chart then shows the day the server meant,
  // whatever the zone of the browser.
  function dayToSeconds(day) {
    const [year, month, date] = day.split("-").map(Number);
    return Date.UTC(year, month - 1, date) / 1000;
  }

  const dayFormat = new Intl.DateTimeFormat(LANGUAGE, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });

  const monthFormat = new Intl.DateTimeFormat(LANGUAGE, {
    timeZone: "UTC",
    month: "long",
    year: "numeric",
  });

  // Legend values show only while the pointer is over a day (idx is null otherwise).
  function formatDay(u, seconds, seriesIdx, idx) {
    return idx == null || seconds == null ? "" : dayFormat.format(new Date(seconds * 1000));
  }

  function formatMonth(u, seconds, seriesIdx, idx) {
    return idx == null || seconds == null ? "" : monthFormat.format(new Date(seconds * 1000));
  }

  // A range over a year comes a point a month (grain "month"): each value the month's mean,
  // and no 7-day averages.
  function byMonth(data) {
    return data.grain === "month";
  }

  // The series that have values: by month, the 7-day averages are not sent.
  function present(series, values) {
    const kept = series.map((one, i) => [one, values[i]]).filter(([, list]) => list !== undefined);
    return [kept.map(([one]) => one), kept.map(([, list]) => list)];
  }

  function formatValue(u, value, seriesIdx, idx) {
    if (idx == null) {
      return "";
    }
    return value == null ? "none" : String(Math.round(value * 10) / 10);
  }

  async function fetchTrends(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    const data = await response.json();
    if (!Array.isArray(data.days)) {
      throw new Error(`${url} has no days`);
    }
    return data;
  }

  // ---- Series ----

  // A point shape as a canvas path, so points can differ in shape as well as colour.
  function addShape(path, shape, x, y, r) {
    if (shape === "diamond") {
      r *= 1.25; // a diamond looks smaller than a circle of the same radius
      path.moveTo(x, y - r);
      path.lineTo(x + r, y);
      path.lineTo(x, y + r);
      path.lineTo(x - r, y);
      path.closePath();
    } else if (shape === "square") {
      path.rect(x - r, y - r, 2 * r, 2 * r);
    } else {
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  // uPlot points path builder for any shape; idxs, when given, are the only points to draw.
  function shapePoints(shape) {
    return (u, seriesIdx, idx0, idx1, idxs) => {
      const series = u.series[seriesIdx];
      const xs = u.data[0];
      const ys = u.data[seriesIdx];
      const r = ((series.points.size - series.points.width) / 2) * uPlot.pxRatio;
      const path = new Path2D();
      const indexes = idxs || range(idx0, idx1);
      for (const i of indexes) {
        if (ys[i] != null) {
          const x = u.valToPos(xs[i], "x", true);
          const y = u.valToPos(ys[i], series.scale, true);
          addShape(path, shape, x, y, r);
        }
      }
      return { stroke: path, fill: path, clip: null, flags: 0 };
    };
  }

  function range(from, to) {
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  }

  // Days with a value but none either side: a line has nothing to join them to,
  // so their point is always drawn, even where there is no room for every point.
  function loneValues(u, seriesIdx, show) {
    if (show) {
      return null;
    }
    const ys = u.data[seriesIdx];
    const lone = [];
    ys.forEach((y, i) => {
      if (y != null && ys[i - 1] == null && ys[i + 1] == null) {
        lone.push(i);
      }
    });
    return lone;
  }

  // Points only: no line between days.
  function pointSeries(label, colour, shape, { hollow = false, size = 6, scale = "y" } = {}) {
    return {
      label,
      scale,
      class: `trend-mk-${shape}`,
      marker: { stroke: colour, fill: hollow ? P.paper : colour, dash: "solid" },
      stroke: colour,
      width: 0,
      paths: () => null,
      value: formatValue,
      points: {
        show: true,
        size,
        width: hollow ? 1.5 : 1,
        stroke: colour,
        fill: hollow ? P.paper : colour,
        paths: shapePoints(shape),
      },
    };
  }

  function dashName(dash) {
    if (!dash.length) {
      return "solid";
    }
    return dash[0] <= 3 ? "dotted" : "dashed";
  }

  // A line, broken where a day has nothing logged; points where there is room for them.
  function lineSeries(label, colour, dash, { width = 2, shape = null, scale = "y" } = {}) {
    const series = {
      label,
      scale,
      class: "trend-mk-line",
      marker: { stroke: colour, fill: "transparent", dash: dashName(dash) },
      stroke: colour,
      width,
      dash,
      spanGaps: false,
      value: formatValue,
      points: { show: false },
    };
    if (shape) {
      series.points = {
        size: 6,
        width: 1,
        fill: colour,
        paths: shapePoints(shape),
        filter: loneValues,
      };
    }
    return series;
  }

  // ---- Treatment events ----

  function shorten(text, max) {
    return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  }

  // A dashed vertical line on each event's day, labelled at the top. Labels that would
  // overlap go on a lower row.
  function eventsPlugin(events) {
    const colours = P; // the page's, when the chart was made
    const marks = events
      .map((event) => ({ x: dayToSeconds(event.date), text: shorten(event.label || "", 26) }))
      .sort((a, b) => a.x - b.x);
    return { hooks: { draw: [(u) => drawEvents(u, marks, colours)] } };
  }

  function drawEvents(u, marks, colours) {
    const px = uPlot.pxRatio;
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const { min, max } = u.scales.x;
    const rowEnds = [];
    ctx.save();
    ctx.font = FONT.replace("12px", `${Math.round(12 * px)}px`);
    ctx.textAlign = "left"; // uPlot leaves it as its axes last set it
    ctx.textBaseline = "top";
    for (const mark of marks) {
      if (mark.x < min || mark.x > max) {
        continue;
      }
      const x = Math.round(u.valToPos(mark.x, "x", true));
      ctx.strokeStyle = colours.ink;
      ctx.lineWidth = 1.5 * px;
      ctx.setLineDash([5 * px, 4 * px]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      drawEventLabel(ctx, mark.text, x, { left, top, right: left + width }, rowEnds, colours);
    }
    ctx.restore();
  }

  function drawEventLabel(ctx, text, x, box, rowEnds, colours) {
    const px = uPlot.pxRatio;
    const pad = 3 * px;
    const boxWidth = ctx.measureText(text).width + 2 * pad;
    const boxHeight = 16 * px;
    // Right of the line, unless that runs off the plot.
    let labelLeft = x + pad;
    if (labelLeft + boxWidth > box.right) {
      labelLeft = Math.max(box.left, x - pad - boxWidth);
    }
    let row = rowEnds.findIndex((end) => labelLeft > end);
    if (row < 0) {
      row = rowEnds.length;
    }
    rowEnds[row] = labelLeft + boxWidth;
    const labelTop = box.top + pad + row * (boxHeight + px);
    ctx.fillStyle = colours.labelPaper;
    ctx.fillRect(labelLeft, labelTop, boxWidth, boxHeight);
    ctx.fillStyle = colours.ink;
    ctx.fillText(text, labelLeft + pad, labelTop + 2 * px);
  }

  // ---- Axes and options ----

  function yAxis(label, { scale = "y", side = 3, grid = true, incrs } = {}) {
    return {
      scale,
      side,
      label,
      stroke: P.ink,
      font: FONT,
      labelFont: FONT,
      labelSize: 18,
      size: 34,
      gap: 4,
      incrs,
      grid: { show: grid, stroke: P.grid, width: 1 },
      ticks: { stroke: P.tick, width: 1, size: 4 },
    };
  }

  const DAY = 86400;
  const MONTH = 30 * DAY; // uPlot's own month and year, which it steps by the calendar
  const YEAR = 365 * DAY;
  // In English three letters each (Intl's en-GB says "Sept"), so ticks are evenly wide; other
  // languages' short names from Intl.
  const MONTHS = LANGUAGE.startsWith("en")
    ? "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ")
    : Array.from({ length: 12 }, (_, month) =>
        new Intl.DateTimeFormat(LANGUAGE, { month: "short", timeZone: "UTC" }).format(
          Date.UTC(2000, month, 15),
        ),
      );

  // "23 Oct", or "Oct" when ticks are months apart; the year under the first tick of each.
  // Written out rather than uPlot's default, which is American ("10/23").
  function dayTicks(u, splits, axisIdx, space, incr) {
    let lastYear = null;
    return splits.map((seconds) => {
      const date = new Date(seconds * 1000);
      const year = date.getUTCFullYear();
      const month = MONTHS[date.getUTCMonth()];
      if (incr >= YEAR) {
        return String(year);
      }
      let text = incr >= MONTH ? month : `${date.getUTCDate()} ${month}`;
      if (year !== lastYear) {
        text += `\n${year}`;
      }
      lastYear = year;
      return text;
    });
  }

  function xAxis() {
    return {
      stroke: P.ink,
      font: FONT,
      grid: { stroke: P.grid, width: 1 },
      ticks: { stroke: P.tick, width: 1, size: 4 },
    };
  }

  // Days, weeks or months. Whole days only: a tick at noon would repeat its day's label.
  const DAY_STEPS = [1, 2, 3, 7, 14].map((n) => n * DAY);
  const MONTH_STEPS = [1, 2, 3, 6].map((n) => n * MONTH);

  function xTimeAxis() {
    return { ...xAxis(), incrs: [...DAY_STEPS, ...MONTH_STEPS, YEAR], values: dayTicks };
  }

  const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

  // From 0 to a little over the highest value, never less than `least`.
  function fromZero(least) {
    return (u, min, max) => [0, Math.max(least, Math.ceil((max || 0) * 1.1))];
  }

  // The legend marker: shape and line style as well as colour (see trends.css).
  const legend = {
    markers: {
      width: 2,
      stroke: (u, i) => u.series[i].marker.stroke,
      fill: (u, i) => u.series[i].marker.fill,
      dash: (u, i) => u.series[i].marker.dash,
    },
  };

  function timeOptions(data, series, axes, scales) {
    const x = byMonth(data)
      ? { label: gettext("Month"), value: formatMonth }
      : { label: gettext("Day"), value: formatDay };
    return {
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      series: [x, ...series],
      axes: [xTimeAxis(), ...axes],
      scales: { x: { time: true }, ...scales },
      legend,
      plugins: [eventsPlugin(data.events || [])],
    };
  }

  // ---- The charts ----

  function painChart(data) {
    const pain = data.pain;
    const monthly = byMonth(data);
    let series = [
      pointSeries(monthly ? gettext("Monthly average") : gettext("Daily average"), C.blue, "circle", { size: 5 }),
      pointSeries(monthly ? gettext("Worst, monthly average") : gettext("Daily worst"), C.vermillion, "diamond", {
        hollow: true,
        size: 6,
      }),
      lineSeries(gettext("7-day average"), P.ink, DASH.solid, { width: 3 }),
    ];
    let values = [pain.average, pain.worst, pain.average_7d];
    const problems = pain.problems || [];
    if (problems.length >= 2) {
      const label = monthly ? gettext("%(problem)s, monthly") : gettext("%(problem)s, 7-day");
      problems.forEach((problem, i) => {
        const style = PROBLEM_STYLES[i % PROBLEM_STYLES.length];
        series.push(lineSeries(interpolate(label, { problem: problem.name }, true), style.colour, style.dash));
        values.push(monthly ? problem.average : problem.average_7d);
      });
    }
    [series, values] = present(series, values);
    const scales = { y: { range: [0, 10] } };
    return { options: timeOptions(data, series, [yAxis(gettext("Pain (0-10)"))], scales), values };
  }

  function spasmsChart(data) {
    const spasms = data.spasms;
    const monthly = byMonth(data);
    let series = [
      pointSeries(monthly ? gettext("Spasms a day, monthly average") : gettext("Spasms"), C.blue, "circle", { size: 5 }),
      pointSeries(monthly ? gettext("At night, monthly average") : gettext("At night"), C.vermillion, "diamond", {
        hollow: true,
        size: 6,
      }),
      lineSeries(gettext("Spasms, 7-day average"), C.blue, DASH.solid, { width: 3 }),
      lineSeries(gettext("At night, 7-day average"), C.vermillion, DASH.dashed, { width: 2.5 }),
      // Penn score, one a day: points, as a line joining them zigzags over everything else.
      pointSeries(gettext("PSFS frequency (right scale)"), C.green, "square", { size: 6, scale: "psfs" }),
      pointSeries(gettext("PSFS severity (right scale)"), C.pink, "diamond", {
        hollow: true,
        size: 6,
        scale: "psfs",
      }),
    ];
    let values = [
      spasms.count,
      spasms.night,
      spasms.count_7d,
      spasms.night_7d,
      spasms.psfs_frequency,
      spasms.psfs_severity,
    ];
    [series, values] = present(series, values);
    const axes = [
      yAxis(gettext("Spasms a day"), { incrs: WHOLE_STEPS }),
      yAxis(gettext("Penn scale"), { scale: "psfs", side: 1, grid: false, incrs: [1] }),
    ];
    const scales = { y: { range: fromZero(4) }, psfs: { range: [0, 4] } };
    return { options: timeOptions(data, series, axes, scales), values };
  }

  function interferenceChart(data) {
    const interference = data.interference;
    const series = [
      lineSeries(gettext("Daily activities"), C.blue, DASH.solid, { shape: "circle" }),
      lineSeries(gettext("Mood"), C.vermillion, DASH.dashed, { shape: "diamond" }),
      lineSeries(gettext("Sleep"), C.green, DASH.dotted, { shape: "square" }),
    ];
    const values = [interference.activities, interference.mood, interference.sleep];
    const axes = [yAxis(gettext("Interference (0-10)"))];
    return { options: timeOptions(data, series, axes, { y: { range: [0, 10] } }), values };
  }

  // The check-in's spasticity rating: one a day, with its 7-day average.
  function spasticityChart(data) {
    const spasticity = data.spasticity;
    let series = [
      pointSeries(byMonth(data) ? gettext("Monthly average") : gettext("Daily rating"), C.green, "square", { size: 6 }),
      lineSeries(gettext("7-day average"), P.ink, DASH.solid, { width: 3 }),
    ];
    let values = [spasticity.rating, spasticity.rating_7d];
    [series, values] = present(series, values);
    const axes = [yAxis(gettext("Spasticity (0-10)"))];
    return { options: timeOptions(data, series, axes, { y: { range: [0, 10] } }), values };
  }

  // Times spasms or pain woke the person, from the check-in, with the 7-day average.
  function wakingsChart(data) {
    const wakings = data.night_wakings;
    let series = [
      pointSeries(byMonth(data) ? gettext("Wakings, monthly average") : gettext("Wakings"), C.vermillion, "diamond", {
        hollow: true,
        size: 6,
      }),
      lineSeries(gettext("7-day average"), P.ink, DASH.solid, { width: 3 }),
    ];
    let values = [wakings.count, wakings.count_7d];
    [series, values] = present(series, values);
    const axes = [yAxis(gettext("Wakings a night"), { incrs: WHOLE_STEPS })];
    return { options: timeOptions(data, series, axes, { y: { range: fromZero(4) } }), values };
  }

  function pad2(hour) {
    return String(hour).padStart(2, "0");
  }

  // "22:00-06:00" from the list of night hours.
  function nightSpan(hours) {
    const night = new Set(hours);
    const start = hours.find((h) => !night.has((h + 23) % 24));
    const last = hours.find((h) => !night.has((h + 1) % 24));
    if (start == null || last == null) {
      return "22:00-06:00";
    }
    return `${pad2(start)}:00-${pad2((last + 1) % 24)}:00`;
  }

  // Diagonal stripes of the page's colour over the night colour: night bars differ in more
  // than colour.
  function hatch(colour, paper) {
    const size = Math.round(8 * uPlot.pxRatio);
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = paper;
    ctx.lineWidth = size / 5;
    ctx.beginPath();
    for (const offset of [-size, 0, size]) {
      ctx.moveTo(offset, size);
      ctx.lineTo(offset + size, 0);
    }
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  function barSeries(label, colour, fill, className) {
    return {
      label,
      class: className,
      marker: { stroke: P.ink, fill: colour, dash: "solid" },
      stroke: P.ink,
      width: 1,
      fill,
      paths: uPlot.paths.bars({ size: [0.8, 40], align: 0 }),
      points: { show: false },
      // Each hour is in one of the two series: say nothing for the other.
      value: (u, v, si, idx) => (idx == null || v == null ? "" : String(v)),
    };
  }

  function hoursChart(data) {
    const byHour = data.spasms_by_hour;
    const night = new Set(byHour.night_hours);
    const hours = byHour.all.map((_, hour) => hour);
    // Made when drawn, and again if the pixel ratio changes (zoom, another screen).
    let nightFill = { ratio: null, pattern: null };
    const paper = P.paper;
    const series = [
      { label: gettext("Hour"), value: (u, h, si, idx) => (idx == null ? "" : `${pad2(h)}:00`) },
      barSeries(gettext("Daytime"), C.sky, C.sky, "trend-mk-bar"),
      barSeries(
        interpolate(gettext("Night is %(hours)s"), { hours: nightSpan(byHour.night_hours) }, true), C.blue, () => {
        if (nightFill.ratio !== uPlot.pxRatio) {
          nightFill = { ratio: uPlot.pxRatio, pattern: hatch(C.blue, paper) };
        }
        return nightFill.pattern;
      }, "trend-mk-hatch"),
    ];
    const options = {
      height: HEIGHT,
      series,
      scales: { x: { time: false, range: [-0.6, 23.6] }, y: { range: fromZero(5) } },
      axes: [
        {
          ...xAxis(),
          label: gettext("Hour of the day"),
          labelFont: FONT,
          labelSize: 18,
          size: 28, // one line of hours, not the two of a date axis
          incrs: [1, 2, 3, 6],
          values: (u, splits) => splits.map((h) => pad2(h)),
          grid: { show: false },
        },
        yAxis(gettext("Spasms logged"), { incrs: WHOLE_STEPS }),
      ],
      legend,
      cursor: { points: { show: false } },
    };
    const values = [
      byHour.all.map((count, hour) => (night.has(hour) ? null : count)),
      byHour.all.map((count, hour) => (night.has(hour) ? count : null)),
    ];
    return { options, values, x: hours };
  }

  const CHARTS = {
    pain: painChart,
    spasms: spasmsChart,
    interference: interferenceChart,
    spasticity: spasticityChart,
    "night-wakings": wakingsChart,
    hours: hoursChart,
  };

  // ---- Drawing, resizing, printing ----

  const drawn = []; // { plot, container }
  let trendsData = null;

  function chartWidth(container) {
    return Math.max(200, Math.floor(container.clientWidth));
  }

  // A chart in its container, in the colours the container has now.
  function makePlot(container, width) {
    P = palette(container);
    const chart = CHARTS[container.dataset.chart](trendsData);
    const x = chart.x || trendsData.days.map(dayToSeconds);
    const options = { ...chart.options, width };
    return new uPlot(options, [x, ...chart.values], container);
  }

  function draw(container) {
    if (!CHARTS[container.dataset.chart]) {
      return;
    }
    const plot = makePlot(container, chartWidth(container));
    drawn.push({ plot, container });
    container.dataset.drawn = "yes";
  }

  // Light and dark have their own colours: when the page changes mode (the device's setting
  // changed, or printing), each chart is made again in the new ones.
  function redrawAll(widthOf = (entry) => chartWidth(entry.container)) {
    for (const entry of drawn) {
      const width = widthOf(entry);
      entry.plot.destroy();
      entry.plot = makePlot(entry.container, width);
    }
  }

  function showError(container) {
    container.dataset.drawn = "no";
    const message = document.createElement("p");
    message.className = "trend-chart-error";
    message.textContent = gettext(
      "Sorry, this chart could not be drawn. The table below has the numbers.",
    );
    // After the container, which is hidden from screen readers.
    container.after(message);
  }

  function debounce(fn, wait) {
    let timer = null;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(fn, wait);
    };
  }

  function fitAll() {
    for (const { plot, container } of drawn) {
      const width = chartWidth(container);
      if (width !== plot.width) {
        plot.setSize({ width, height: HEIGHT });
      }
    }
  }

  // Printing: open every "Show the numbers", and draw the charts light (paper is light whatever
  // the screen shows) and narrow enough to fit the page.
  function setUpPrinting(root) {
    let opened = [];
    window.addEventListener("beforeprint", () => {
      // Added to, not replaced: Chromium fires beforeprint again for its own print preview.
      for (const details of root.querySelectorAll("details:not([open])")) {
        details.open = true;
        opened.push(details);
      }
      for (const entry of drawn) {
        entry.container.dataset.bsTheme = "light";
      }
      redrawAll((entry) => Math.min(PRINT_WIDTH, entry.plot.width));
    });
    window.addEventListener("afterprint", () => {
      opened.forEach((details) => {
        details.open = false;
      });
      opened = [];
      for (const entry of drawn) {
        delete entry.container.dataset.bsTheme;
      }
      redrawAll();
    });
  }

  function followTheMode() {
    const observer = new MutationObserver(() => redrawAll());
    observer.observe(document.documentElement, { attributeFilter: ["data-bs-theme"] });
  }

  async function start() {
    const root = document.querySelector("[data-trends-src]");
    if (!root) {
      return;
    }
    const containers = Array.from(root.querySelectorAll(".trend-chart[data-chart]"));
    try {
      if (typeof uPlot !== "function") {
        throw new Error("uPlot did not load");
      }
      trendsData = await fetchTrends(root.dataset.trendsSrc);
    } catch (error) {
      console.warn("Trends charts:", error);
      containers.forEach(showError);
      return;
    }
    for (const container of containers) {
      try {
        draw(container);
      } catch (error) {
        console.warn(`Trends chart ${container.dataset.chart}:`, error);
        container.replaceChildren();
        showError(container);
      }
    }
    const refit = debounce(fitAll, 150);
    const observer = new ResizeObserver(refit);
    drawn.forEach(({ container }) => observer.observe(container));
    setUpPrinting(root);
    followTheMode();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

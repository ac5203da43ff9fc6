// Draws the charts of a report written by ./rag eval or ./rag bench: its figures are the JSON block
// #report-data (the tables beside each chart hold the same numbers, for reading and for screen readers).
'use strict';
(function () {
  const charts = JSON.parse(document.getElementById('report-data').textContent);
  const dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  const palette = ['#2457c5', '#d9822b', '#1f9d6b', '#b8336a', '#7a5cc7', '#5b6475'];
  if (typeof Chart === 'undefined') {
    document.body.classList.add('no-charts');
    return;
  }
  Chart.defaults.color = dark ? '#e6e9ef' : '#1b2130';
  Chart.defaults.borderColor = dark ? '#343a46' : '#dde1e7';
  Chart.defaults.animation = false;
  document.querySelectorAll('figure.chart').forEach((figure) => {
    const spec = charts[Number(figure.dataset.chart)];
    const canvas = figure.querySelector('canvas');
    new Chart(canvas, {
      type: spec.kind === 'line' ? 'line' : 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({
          label: s.label,
          data: s.values.map((v) => (v === null || Number.isNaN(v) ? null : v)),
          backgroundColor: palette[i % palette.length],
          borderColor: palette[i % palette.length],
          borderWidth: spec.kind === 'line' ? 2 : 0
        }))
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: {
          x: { title: { display: Boolean(spec.xTitle), text: spec.xTitle } },
          y: { beginAtZero: true, title: { display: Boolean(spec.yTitle), text: spec.yTitle } }
        }
      }
    });
  });
})();

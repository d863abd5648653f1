import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

// Only what bar charts need is registered, so the rest of Chart.js stays out of the bundle. This
// module is loaded on demand (its own chunk): the page's numbers do not wait for the chart code.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export { Chart };

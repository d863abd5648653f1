export { ComplianceReport, OverdueFindingRow, REPORT_FORMAT, ReportDeployment, overdueFindingRows, parseComplianceReport, renderComplianceJson } from './compliance-report.js';
export { csvCell, toCsv } from './csv.js';
export type { CsvCell } from './csv.js';
export { CSV_TABLES, renderComplianceCsv, renderComplianceCsvBundle } from './render-csv.js';
export type { CsvTable } from './render-csv.js';
export { renderCompliancePdf } from './render-pdf.js';

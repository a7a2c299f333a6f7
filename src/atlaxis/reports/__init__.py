"""Reports: charts (shared by pages and PDFs) and, later, PDF reports."""

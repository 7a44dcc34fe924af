"""S4 合作协议与招商项目台账: agreements and projects, their measures, the Excel ledger reader and the demo."""

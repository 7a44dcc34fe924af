"""S3 政策实施路线图: 序时进度 schedule, lights, SDR trends, roll-up, 年度考核 scores and target revisions (pure)."""

cat @word:REVISION_FILE@ 2>/dev/null; curl -fsS --max-time 4 -o /dev/null @word:HEALTH_URL@ && echo ceresdb-healthy

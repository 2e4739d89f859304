from trendqa.cli import main

main()

from introgate.cli import main

main()

from clinic_explainer.hub.launch import main

main()

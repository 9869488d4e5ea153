{
  "targets": [{
    "target_name": "epo_native",
    "sources": ["src/addon.cc", "src/gemm.cc", "src/train.cc", "src/decode.cc"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fexceptions", "-frtti"],
    "conditions": [
      ["OS=='linux'", { "cflags_cc": ["-fopenmp"], "ldflags": ["-fopenmp"] }],
      ["OS=='mac'", { "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "GCC_ENABLE_CPP_RTTI": "YES", "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-mcpu=native"] } }]
    ]
  }]
}

# redline_layer(NAME HEADERS h... BELOW layer... LIBS target...)
#
# Builds src/NAME/*.c as the static library redline_NAME.  Its include path
# is build/layers/NAME: symbolic links to the public headers of this layer
# (HEADERS) and of every layer it names in BELOW (and theirs), plus its own
# folder for private headers (*_internal.h).  Nothing else of include/redline
# is reachable from the layer, which is what makes the layering a property of
# the build rather than a convention.
function(redline_layer name)
  cmake_parse_arguments(L "" "" "HEADERS;BELOW;LIBS" ${ARGN})
  set(visible ${L_HEADERS})
  set(below_targets "")
  foreach(b ${L_BELOW})
    get_property(h GLOBAL PROPERTY REDLINE_LAYER_HEADERS_${b})
    list(APPEND visible ${h})
    list(APPEND below_targets redline_${b})
  endforeach()
  list(REMOVE_DUPLICATES visible)
  set_property(GLOBAL PROPERTY REDLINE_LAYER_HEADERS_${name} ${visible})

  set(inc ${PROJECT_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${inc})
  file(MAKE_DIRECTORY ${inc}/redline)
  foreach(h ${visible})
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/include/redline/${h})
      message(FATAL_ERROR "layer ${name}: include/redline/${h} does not exist")
    endif()
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/redline/${h} ${inc}/redline/${h} SYMBOLIC)
  endforeach()
  set_property(GLOBAL PROPERTY REDLINE_LAYER_INCLUDE_${name} ${inc})

  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  add_library(redline_${name} STATIC ${srcs})
  target_include_directories(redline_${name} PRIVATE ${inc} ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(redline_${name} PUBLIC ${below_targets} ${L_LIBS})
endfunction()
